# matterpay worker and ingress image. Debian-based: Temporal's core bridge ships glibc binaries only (no musl/Alpine).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Memory of a long-running worker (bench/README.md, "10,000 open invoices"): after a burst of workflow tasks V8 keeps
# its young generation grown to 32 MiB per thread, and the Temporal core's allocations stay spread over up to 16
# glibc arenas. With 4 MiB semi-spaces and two arenas a worker holding 10,000 open invoices settles at 269 MiB instead
# of 307, for about 5% more worker CPU per payment. bench/support/deployedEnv.ts reads this line, so the benchmarks
# run the worker as this image does.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-semi-space-size=4
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
