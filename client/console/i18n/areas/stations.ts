/**
 * @module The console's words for stations (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const stationsEn = {
  heading: 'Stations',
};

export const stationsTh: typeof stationsEn = {
  heading: 'สถานี',
};
