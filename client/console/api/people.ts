/**
 * @module The planning desk's stations, operators and users page's requests (admin): the lists, a
 * station enrolled (its link once), a new link for one, one revoked; an operator added or changed;
 * a user added. The work centers a station may serve come from the floor board's routings.
 */
import * as z from 'zod/mini';
import type {
  DeskLanguage,
  OperatorChange,
  StationEnrolledAnswer,
  StationLink,
  UserRole,
} from '../../../shared/people-desk-api';
import {
  DESK_OPERATORS_PATH,
  DESK_STATIONS_PATH,
  DESK_USERS_PATH,
  deskOperatorListSchema,
  deskOperatorSchema,
  deskStationListSchema,
  deskUserListSchema,
  operatorAddedAnswerSchema,
  stationEnrolledAnswerSchema,
  stationLinkSchema,
  userAddedAnswerSchema,
} from '../../../shared/people-desk-api';
import { boardSchema } from '../../../shared/supervisor-api';
import type { Answer } from '../api';
import { NO_FILTERS, boardQuery, request } from '../api';

const json = { 'content-type': 'application/json' };
const post = (body: unknown): RequestInit => ({ method: 'POST', headers: json, body: JSON.stringify(body) });
const named = (path: string, name: string) => `${path}/${encodeURIComponent(name)}`;

export const fetchStations = (fetcher: typeof fetch) =>
  request(fetcher, DESK_STATIONS_PATH, {}, deskStationListSchema);
export const fetchOperators = (fetcher: typeof fetch) =>
  request(fetcher, DESK_OPERATORS_PATH, {}, deskOperatorListSchema);
export const fetchUsers = (fetcher: typeof fetch) =>
  request(fetcher, DESK_USERS_PATH, {}, deskUserListSchema);
/** The board's published routings, for the work centers and node codes a station may serve. */
export const fetchRoutings = (fetcher: typeof fetch) =>
  request(fetcher, `/api/v1/supervisor/board${boardQuery(NO_FILTERS)}`, {}, boardSchema);

export interface StationInput {
  name: string;
  workCenter?: string;
  nodeCodes?: string[];
  language?: DeskLanguage;
}

export function enrollStation(
  fetcher: typeof fetch,
  input: StationInput,
): Promise<Answer<StationEnrolledAnswer>> {
  return request(fetcher, DESK_STATIONS_PATH, post(input), stationEnrolledAnswerSchema);
}

export function newStationLink(fetcher: typeof fetch, name: string): Promise<Answer<StationLink>> {
  return request(fetcher, `${named(DESK_STATIONS_PATH, name)}/link`, { method: 'POST' }, stationLinkSchema);
}

/** 204, no body: read as null. */
export function revokeStation(fetcher: typeof fetch, name: string): Promise<Answer<null>> {
  return request(fetcher, named(DESK_STATIONS_PATH, name), { method: 'DELETE' }, z.null());
}

export interface OperatorInput {
  badge: string;
  name?: string;
  pin?: string;
  language?: DeskLanguage;
}

export function addOperator(fetcher: typeof fetch, input: OperatorInput) {
  return request(fetcher, DESK_OPERATORS_PATH, post(input), operatorAddedAnswerSchema);
}

export function changeOperator(fetcher: typeof fetch, badge: string, change: OperatorChange) {
  return request(
    fetcher,
    named(DESK_OPERATORS_PATH, badge),
    { method: 'PATCH', headers: json, body: JSON.stringify(change) },
    deskOperatorSchema,
  );
}

export interface UserInput {
  username: string;
  role: UserRole;
  password: string;
}

export function addUser(fetcher: typeof fetch, input: UserInput) {
  return request(fetcher, DESK_USERS_PATH, post(input), userAddedAnswerSchema);
}
