// The images the container tests run, in one place, with the same variables and defaults as
// infra/docker-compose.yml. Without a registry, `eval "$(infra/build-images.sh)"` points them at
// locally built stand-ins.
export const images = {
  kafka: process.env.KAFKA_IMAGE || 'apache/kafka:4.4.0',
  redis: process.env.REDIS_IMAGE || 'redis:7',
  /** The base of the app image (the Dockerfile's NODE_IMAGE build argument). */
  node: process.env.NODE_IMAGE || 'node:24-bookworm-slim',
  app: process.env.FLOWWATCH_IMAGE || 'flowwatch:local',
} as const;
