"""The prompt texts, one file each, shipped as package data so an installed newsbot finds them.

The code refers to a prompt by its file name (`bot.core.prompts`); `NEWSBOT_PROMPTS_DIR` points elsewhere.
"""
