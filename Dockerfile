# syntax=docker/dockerfile:1
#
# newsdesk container image.
#
#   docker build -t newsdesk .
#   docker run -d --name newsdesk \
#     -v newsdesk-data:/data -p 127.0.0.1:9184:9184 \
#     -e NEWSDESK_DISCORD__TOKEN="$DISCORD_TOKEN" \
#     newsdesk
#
# The image serves Discord and Matrix (built with the `matrix` feature): add
# -e NEWSDESK_MATRIX__HOMESERVER_URL=... -e NEWSDESK_MATRIX__USER_ID=... -e NEWSDESK_MATRIX__PASSWORD=...
#
# Configuration comes from NEWSDESK_<SECTION>__<KEY> environment variables (or a
# newsdesk.toml in /data, or one named by NEWSDESK_CONFIG). Secrets such as the Discord
# token are passed when the container starts and are never baked into the image.

# ---- build ------------------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder
WORKDIR /build

# Dependencies first, against stub sources, so that editing src/ does not rebuild the
# whole dependency tree. Cargo refuses a manifest whose declared targets have no file, so
# every [[bench]] and the integration-test crate get an empty stub as well; the real
# benches and tests are not needed for the binary and stay out of the build context.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches tests/it \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && for bench in $(sed -n '/^\[\[bench\]\]/,/^$/s/^name = "\(.*\)"/\1/p' Cargo.toml); do \
        echo 'fn main() {}' > "benches/$bench.rs"; \
    done \
 && echo 'fn main() {}' > tests/it/main.rs \
 && cargo build --release --locked --features matrix --bin newsdesk \
 && rm -rf src

# migrations/ is embedded by sqlx::migrate! and src/pipeline/glossary.tsv by include_str!,
# both at compile time, so they must be present for this build.
COPY migrations ./migrations
COPY src ./src
# COPY keeps the files' own modification times, which can be older than the stub build;
# touching them makes cargo rebuild the crate instead of reusing the stub.
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --features matrix --bin newsdesk \
 && cp target/release/newsdesk /usr/local/bin/newsdesk

# ---- runtime ----------------------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates for anything that consults the system store; rustls carries its own
# webpki roots. No tzdata: chrono-tz compiles the time zone database into the binary.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 newsdesk \
 && useradd --system --uid 10001 --gid newsdesk --home-dir /data --shell /usr/sbin/nologin newsdesk \
 && mkdir -p /data \
 && chown newsdesk:newsdesk /data

COPY --from=builder /usr/local/bin/newsdesk /usr/local/bin/newsdesk

# The SQLite database (with its -wal and -shm files) lives on the volume. The ops endpoint
# listens on all interfaces inside the container; publish it only where it should be seen.
ENV NEWSDESK_DATABASE__PATH=/data/newsdesk.db \
    NEWSDESK_OPS__LISTEN=0.0.0.0:9184
# Set NEWSDESK_OPS__LOG_FORMAT=json for a log collector; RUST_LOG overrides log levels.

VOLUME ["/data"]
WORKDIR /data
# Numeric, so that runtimes enforcing "run as non-root" can verify it without /etc/passwd.
USER 10001:10001
EXPOSE 9184

# `newsdesk healthcheck` asks the running bot's /healthz (on the address configured in
# ops.listen) and exits non-zero unless it answers 200: no shell or curl in the image. The
# start period covers connecting to Discord and the first scheduler loop.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["newsdesk", "healthcheck"]

# newsdesk runs as PID 1, which gets no default signal handlers; SIGINT is the signal the
# bot's Ctrl-C handling already catches, so `docker stop` shuts it down cleanly.
STOPSIGNAL SIGINT

ENTRYPOINT ["newsdesk"]
CMD ["run"]
