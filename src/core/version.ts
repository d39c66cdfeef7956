declare const __SCIMCTL_VERSION__: string | undefined;

/** package.json's version, injected by the build (scripts/build.mjs); "dev" when run from source. */
export const VERSION: string = typeof __SCIMCTL_VERSION__ === 'string' ? __SCIMCTL_VERSION__ : 'dev';
