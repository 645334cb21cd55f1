# SseSim server image. Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/SseSim.Server/SseSim.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# KMS/S3/EC2/CloudTrail on 4566, NBD on 10809; all state under /data.
EXPOSE 4566 10809
VOLUME /data
ENTRYPOINT ["dotnet", "SseSim.Server.dll", "--host", "0.0.0.0", "--port", "4566", "--nbd-port", "10809", "--data-dir", "/data"]
