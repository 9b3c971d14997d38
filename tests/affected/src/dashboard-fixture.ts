import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * addDashboardFixture gives a throw-away workspace a second image until the
 * real dashboard lands: a project at apps/dashboard and a dashboard image
 * that copies its public/ folder. With two images, every case also proves
 * that a change selects no image it cannot alter. It does nothing once
 * images.json declares a dashboard image; the dashboard row of the case
 * table then checks the real one (update its file to a real source).
 */
export function addDashboardFixture(root: string): void {
  const imagesFile = join(root, 'tools/docker/images.json');
  const images = JSON.parse(readFileSync(imagesFile, 'utf8'));
  if (images.images.dashboard || existsSync(join(root, 'apps/dashboard'))) {
    return;
  }

  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write(
    'apps/dashboard/project.json',
    JSON.stringify({ name: 'dashboard-app', projectType: 'application' }),
  );
  write('apps/dashboard/public/index.html', '<h1>dashboard</h1>\n');
  write(
    'tools/docker/Dockerfile.dashboard',
    [
      'ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot',
      'FROM ${RUNTIME_IMAGE} AS runtime',
      'COPY apps/dashboard/public/ /srv/',
      '',
    ].join('\n'),
  );
  images.images.dashboard = {
    dockerfile: 'Dockerfile.dashboard',
    platforms: ['linux/amd64', 'linux/arm64'],
    budgetMinutes: 15,
    registryName: 'ghcr.io/semrouter/dashboard',
  };
  writeFileSync(imagesFile, `${JSON.stringify(images, null, 2)}\n`);
}
