# syntax=docker/dockerfile:1
# Papers: build with the Rust toolchain, run from a slim image as a non-root user.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin papers

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin papers \
    && mkdir -p /data && chown papers /data
COPY --from=build /src/target/release/papers /usr/local/bin/papers
USER papers
WORKDIR /data
# The SQLite file (and its generated JWT secret) live in the volume; set DATABASE_URL to use
# PostgreSQL instead.
VOLUME ["/data"]
ENV PAPERS_LISTEN=0.0.0.0:8000 \
    DATABASE_URL=sqlite:///data/papers.db?mode=rwc \
    PAPERS_LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/health || exit 1
ENTRYPOINT ["papers"]
CMD ["serve"]
