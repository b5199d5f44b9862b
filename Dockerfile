# tcplab hosted-demo image (issues 16, 21). Based on Debian bookworm and Debian's OpenJDK 17 only, so it builds
# wherever Debian's mirror and Maven Central are reachable (docs/operations.md "Image").
#   docker build -t tcplab .          podman build --format docker -t tcplab .      Run: see deploy/compose.yaml.
# Stage 1 builds the jar; stage 2 extracts it, makes a CDS archive by a training run (Spring Boot's
# -Dspring.context.exit=onRefresh) so an instance starts faster in a failover, and runs as uid 10001.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# MAVEN_FLAGS=-o builds offline from a mounted local repository (podman build -v ~/.m2:/root/.m2, as
# deploy/smoke-test.sh does where Maven Central is reached through an intercepting proxy the image does not trust)
ARG MAVEN_FLAGS=""
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
# -Dexec.skip: the frontend's node tests are not run here (CI runs them); the build needs no node
RUN case " $MAVEN_FLAGS " in *" -o "*) ;; *) ./mvnw -B -q dependency:go-offline -Dexec.skip=true ;; esac
COPY src/ src/
COPY frontend/ frontend/
RUN ./mvnw -B -q $MAVEN_FLAGS package -DskipTests -Dexec.skip=true \
 && java -Djarmode=tools -jar target/tcplab-*.jar extract --destination /app \
 && mv /app/tcplab-*.jar /app/app.jar

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home tcplab \
 && mkdir -p /app/data \
 && chown -R tcplab:tcplab /app
WORKDIR /app
COPY --from=build --chown=tcplab:tcplab /app/ /app/
USER tcplab
# CDS training run: starts the context without serving (and without a database: journaling off) and writes the
# class data archive used at every start. The jar path is the same absolute path as at run time (CDS checks it).
RUN java -XX:ArchiveClassesAtExit=/app/app.jsa -Dspring.context.exit=onRefresh -jar /app/app.jar \
      --tcplab.journal.enabled=false --spring.datasource.url=jdbc:h2:mem:train --spring.flyway.enabled=false \
      --spring.main.banner-mode=off \
 && test -s /app/app.jsa
# Heap and metaspace from the container's memory limit (cgroup): 60 % heap leaves room for metaspace, threads,
# the CDS mapping and direct buffers; an OutOfMemoryError ends the JVM so the orchestrator restarts it.
ENV JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=/app/app.jsa -Xshare:auto -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=20 -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+ExitOnOutOfMemoryError" \
    SERVER_PORT=8080 \
    SERVER_FORWARD_HEADERS_STRATEGY=native \
    TCPLAB_DATA_DIR=/app/data
# the H2 journal (when no PostgreSQL is configured) lives here: mount a volume to keep it
VOLUME ["/app/data"]
EXPOSE 8080
# liveness only: the database is not part of it (a database outage must not get every instance restarted);
# readiness (/actuator/health/readiness) is for the load balancer
HEALTHCHECK --interval=5s --timeout=2s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT}/actuator/health/liveness" || exit 1
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
