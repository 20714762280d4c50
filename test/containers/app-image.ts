// The app image, built from the project's Dockerfile the way compose builds it (NODE_IMAGE as the
// base), tagged as FLOWWATCH_IMAGE; Docker's layer cache makes a rebuild of unchanged sources quick.
import { GenericContainer } from 'testcontainers';
import { ROOT } from '../support/cli.ts';
import { images } from './images.ts';

export async function buildAppImage(): Promise<GenericContainer> {
  await GenericContainer.fromDockerfile(ROOT)
    .withBuildArgs({ NODE_IMAGE: images.node })
    .build(images.app, { deleteOnExit: false });
  return new GenericContainer(images.app);
}
