# syntax=docker/dockerfile:1
# A stand-in for the node22 template, to show where the ZImagefile's keys go.
FROM node:22-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .

FROM node:22-alpine
WORKDIR /app
COPY --from=build /app /app
CMD ["node", "index.js"]
ENV PORT=8080
EXPOSE 8080/tcp
HEALTHCHECK --interval=20s --timeout=3s --retries=5 CMD ["wget", "-qO-", "http://127.0.0.1:8080/healthz"]
CMD ["node", "server.js"]
