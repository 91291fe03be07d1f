/**
 * Build-time settings for the console. Tiles default to OpenStreetMap; set VITE_TILE_URL to a
 * local tile server, or to an empty string to draw markers on a plain background only.
 */
const OSM_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

const configuredUrl = import.meta.env.VITE_TILE_URL;

export const mapConfig = {
  tileUrl: configuredUrl === undefined ? OSM_URL : configuredUrl || null,
  attribution: import.meta.env.VITE_TILE_ATTRIBUTION ?? OSM_ATTRIBUTION,
};
