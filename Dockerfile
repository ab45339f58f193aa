# syntax=docker/dockerfile:1
# DICOM Stage, the production jar on Debian. Debian 13 (trixie) because it packages both a JDK 21 and PixelMed
# (libpixelmed-java); bookworm has only JDK 17. Pinned to a point release so a rebuild gets the same base.

FROM debian:13.1-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-21-jdk-headless maven libpixelmed-java nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The pom first, so dependency downloads stay cached while only sources change.
COPY pom.xml .
# A warm-up of the cache only (it cannot see every plugin's late resolutions); the package step fetches the rest.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q dependency:go-offline || true
COPY src src
COPY bpmn bpmn
COPY forms forms
# The web UI's bundles (form-js, bpmn-js) are built from npm packages during the Maven build.
COPY frontend frontend
# Tests run in CI (scripts/test), not in the image build: they need Orthanc, dcmtk and PostgreSQL.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -DskipTests package \
 && cp target/dicom-stage-*.jar /src/app.jar

FROM debian:13.1-slim
# The jar carries its own copy of PixelMed (system scope, included by the Boot plugin); the package is installed
# too so the runtime has the same PixelMed, and its dependencies, as the build.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-21-jre-headless libpixelmed-java curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/dicomstage --create-home dicomstage
COPY --from=build /src/app.jar /opt/dicomstage/app.jar
USER dicomstage
WORKDIR /var/lib/dicomstage
# 8080 web UI and actuator; 11113 our C-MOVE storage SCP (only used when a node retrieves by C-MOVE).
EXPOSE 8080 11113
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=5 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-jar", "/opt/dicomstage/app.jar"]
