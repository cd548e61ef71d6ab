"""Query core: understand, retrieve, answer, cite. Imports only `index/`; front ends render its `Answer`."""
