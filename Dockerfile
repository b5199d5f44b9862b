# tcplab hosted-demo image (issue 16). Build: docker build -t tcplab .   Run: see deploy/compose.yaml.
# Stage 1 builds the jar; stage 2 extracts it into layers and makes a CDS archive by a training run
# (Spring Boot's -Dspring.context.exit=onRefresh), so the instance starts faster in a failover.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY frontend/ frontend/
RUN ./mvnw -B -q package -DskipTests -Dexec.skip=true \
 && java -Djarmode=tools -jar target/tcplab-*.jar extract --destination /app

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app tcplab
WORKDIR /app
COPY --from=build --chown=tcplab /app/ /app/
USER tcplab
# CDS training run: starts the context without serving (and without a database: journaling off) and
# writes the class data archive used at every start.
RUN java -XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh \
      -jar tcplab-*.jar --tcplab.journal.enabled=false --spring.datasource.url=jdbc:h2:mem:train \
      --spring.flyway.enabled=false
ENV JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=/app/app.jsa -Xshare:auto" \
    SERVER_PORT=8080 \
    SERVER_FORWARD_HEADERS_STRATEGY=native \
    TCPLAB_DATA_DIR=/app/data
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=2s --start-period=20s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["sh", "-c", "exec java -jar /app/tcplab-*.jar"]
