# The load workers' image, which deploy/load-workers.yaml runs: the .NET SDK publishes the app, the ASP.NET Core
# runtime runs the published binary (the app hosts the emulators, so the plain runtime is not enough).
#
#   docker build -t servingbench:latest .
#   docker run --rm servingbench:latest load --help
#
# The entry point is the app itself, so the arguments are a verb and its options, as after `dotnet run --`.
# Never built by the suite's authors: no Docker engine was reachable where this was written (docs/load.md says
# what was checked instead).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The whole tree (less .dockerignore): Directory.Build.props, Directory.Packages.props, global.json, protos/ and
# fixtures/ are all inputs of the build.
COPY . .
RUN dotnet publish benchmarks/ServingBench/ServingBench.csproj -c Release -o /app \
    && rm -f /app/*.pdb

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Results go under /results unless a command names --output (the Job mounts a volume there).
ENV SERVINGBENCH_RESULTS=/results
ENTRYPOINT ["/app/ServingBench"]
CMD ["--help"]
