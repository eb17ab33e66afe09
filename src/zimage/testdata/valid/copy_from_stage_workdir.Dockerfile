FROM node:20 AS builder
WORKDIR /src
WORKDIR app
RUN npm ci && npm run build

FROM nginx:alpine AS runtime
COPY --from=builder /src/app/dist /usr/share/nginx/html
COPY --from=builder /src/app/public /src/README.md /etc/hostname /srv/
