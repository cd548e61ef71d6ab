"""Evaluation: score retrieval, answers, refusals, citations and latency on a question set."""
