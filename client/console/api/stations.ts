/** @module The stations page's request: every station's health (GET /api/v1/supervisor/stations). */
import type { StationsHealth } from '../../../shared/supervisor-api';
import { stationsHealthSchema } from '../../../shared/supervisor-api';
import type { Answer } from '../api';
import { request } from '../api';

export const STATIONS_PATH = '/api/v1/supervisor/stations';

export function fetchStations(fetcher: typeof fetch): Promise<Answer<StationsHealth>> {
  return request(fetcher, STATIONS_PATH, {}, stationsHealthSchema);
}
