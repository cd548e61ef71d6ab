# Shortcuts for people with make; tasks.py does the work so a machine with only Python needs nothing else.
.PHONY: demo test
demo:
	python3 tasks.py demo
test:
	python3 tasks.py test
