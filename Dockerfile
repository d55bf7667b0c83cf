# matterpay worker and ingress image. Debian-based: Temporal's core bridge ships glibc binaries only (no musl/Alpine).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
EXPOSE 8787
# `worker` or `ingress`: the compose file runs both from this one image.
ENTRYPOINT ["node", "bin/matterpay.js"]
CMD ["worker"]
