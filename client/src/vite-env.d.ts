/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Map tile URL template; empty string turns tiles off (the map still draws on a plain background). */
  readonly VITE_TILE_URL?: string;
  readonly VITE_TILE_ATTRIBUTION?: string;
}
