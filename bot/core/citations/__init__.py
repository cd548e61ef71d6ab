"""Citations, split by job: `markers` (the `[n]` grammar), `reply` (cleaning a model's reply), `quotes`
(picking the verbatim sentence), `assemble` (reply + hits -> Answer, and the one refusal) and `stream`
(the same rules on a streamed reply)."""
