import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// The Chromium the browser tests drive through playwright-core, found the way playwright-core
// users expect: an explicit path in the environment first, then a browser on PATH. Without one
// the tests fail with a single line saying how to get one.

export const BROWSER_ENV_VARS = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'] as const;
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export const INSTALL_HINT =
  'No Chromium for the browser tests: install one (apt-get install chromium, or npx playwright install chromium) or set CHROMIUM_PATH=/path/to/chromium';

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findChromium(env: NodeJS.ProcessEnv = process.env, isExecutable: (file: string) => boolean = executable): string | undefined {
  for (const name of BROWSER_ENV_VARS) {
    const path = env[name]?.trim();
    // A variable that names a missing file is a mistake worth stopping on, not a reason to guess.
    if (path) {
      if (!isExecutable(path)) throw new Error(`${name}=${path} is not an executable file. ${INSTALL_HINT}`);
      return path;
    }
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ON_PATH) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The browser to launch, or an error whose message is the one line that says how to install one. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}
