# matterpay worker and ingress image. Debian-based: Temporal's core bridge ships glibc binaries only (no musl/Alpine).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# The admin commands run from dist/ (bin/compiled.js); compile it now, as the image's files are not the runtime user's.
RUN node bin/build.js
# The mail outbox (when no SMTP_URL is set) lives under .data: owned by the unprivileged user that runs matterpay.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8787
# `worker` or `ingress`: the compose file runs both from this one image.
ENTRYPOINT ["node", "bin/matterpay.js"]
CMD ["worker"]
