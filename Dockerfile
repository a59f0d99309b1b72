# Not built in this project's CI (no Docker engine there); kept conventional on purpose.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
COPY crds/ crds/
RUN ./mvnw -B -q package -DskipTests

# glibc-based JRE: the tool that finds musl problems does not run on musl itself.
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/quarkus-app/ /app/
USER 65532:65532
EXPOSE 8080 8443
# No arguments: the operator and webhook. Any CLI command works too: docker run IMAGE probe NAME
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
