// Global setup of the container tests: without a Docker engine, or without the images and no
// registry to pull them from, the run fails with one plain sentence instead of skipping silently.
import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { images } from './images.ts';

export default async function dockerEngine(): Promise<void> {
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>;
  try {
    client = await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(
      `the container tests need a Docker engine and none answers (${(error as Error).message}); start one (as root, infra/ci-containers.sh installs and starts Debian's docker.io) or set DOCKER_HOST`,
    );
  }
  for (const image of [images.kafka, images.redis, images.node]) {
    const name = ImageName.fromString(image);
    if (await client.image.exists(name)) continue;
    try {
      await client.image.pull(name);
    } catch (error) {
      throw new Error(
        `image ${image} is not here and cannot be pulled (${(error as Error).message}); without a registry, build local stand-ins with: eval "$(infra/build-images.sh)"`,
      );
    }
  }
}
