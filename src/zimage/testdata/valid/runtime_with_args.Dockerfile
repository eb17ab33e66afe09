ARG APP_ENV
ARG PIP_INDEX=https://pypi.org/simple
FROM python:3.12-slim AS deps
ARG APP_ENV
ARG PIP_INDEX
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM python:3.12-slim
ARG APP_ENV
ARG PIP_INDEX
COPY --from=deps /usr/local /usr/local
COPY . /app
CMD ["python", "app.py"]
WORKDIR /srv
LABEL maintainer=team@example.org
USER app
