FROM python:3.12-slim
RUN export PIP_NO_CACHE_DIR="1" PIP_INDEX_URL="https://pypi.example.org/simple" QUOTE="say \"hi\" \`now\`" PATH="/opt/venv/bin:$PATH"; pip install -r requirements.txt
