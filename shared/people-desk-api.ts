/**
 * @module The planning desk's stations, operators and users (SPEC DK-30 … DK-39) as the admin API
 * answers them and the console reads them, and the change an admin sends for an operator. zod/mini:
 * the console parses each answer with these; the edge server declares its routes with the same ones.
 *
 * No secret is ever listed: a station's token and enrollment codes, an operator's PIN and a user's
 * password are kept as hashes. An enrollment link is answered once, when it is made.
 */
import * as z from 'zod/mini';

export const DESK_STATIONS_PATH = '/api/v1/admin/stations';
export const DESK_OPERATORS_PATH = '/api/v1/admin/operators';
export const DESK_USERS_PATH = '/api/v1/admin/users';

/** The languages a screen speaks (as STATION_LANGUAGES in protocol.ts). */
export const DESK_LANGUAGES = ['th', 'en'] as const;
export type DeskLanguage = (typeof DESK_LANGUAGES)[number];
const language = z.enum(DESK_LANGUAGES);

export const USER_ROLES = ['supervisor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A PIN as the station checks it: 4 to 8 digits. */
export const PIN_PATTERN = /^\d{4,8}$/;
/** A station's name: as enrollStationSchema asks. */
export const STATION_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A station as the desk lists it. */
export const deskStationSchema = z.object({
  name: z.string(),
  workCenter: z.nullable(z.string()),
  /** The operation nodes it reports at. */
  nodeCodes: z.array(z.string()),
  /** The language its screen speaks; followsSiteLanguage: it has none of its own (STATION_LANGUAGE). */
  language,
  followsSiteLanguage: z.boolean(),
  enrolledAt: z.string(),
  revokedAt: z.nullable(z.string()),
  /** Its last push or heartbeat, whichever is later; null: never heard from. */
  lastSeenAt: z.nullable(z.string()),
  /** Browsers enrolled through a link (each has its own credential). */
  devices: z.number(),
  /** When its unused enrollment link stops working; null: none waiting to be opened. */
  linkExpiresAt: z.nullable(z.string()),
});
export type DeskStation = z.infer<typeof deskStationSchema>;

export const deskStationListSchema = z.object({ stations: z.array(deskStationSchema) });
export type DeskStationList = z.infer<typeof deskStationListSchema>;

/** An enrollment link, shown once (only the code's hash is kept). */
const linkFields = {
  name: z.string(),
  /** A one-time code that one browser exchanges for its own credential (POST /api/v1/enroll). */
  enrollCode: z.string(),
  enrollExpiresAt: z.string(),
  /** `<origin>/#enroll=<enrollCode>` on the origin of the admin's request. */
  enrollUrl: z.string(),
  /** enrollUrl as a QR code, an SVG document. */
  enrollQrSvg: z.string(),
};

/** POST /stations/:name/link: a new link for an enrolled station; its earlier unused one stops working. */
export const stationLinkSchema = z.object(linkFields);
export type StationLink = z.infer<typeof stationLinkSchema>;

/** What the console reads of POST /stations (enroll): the station and its link (the token it ignores). */
export const stationEnrolledAnswerSchema = z.object({
  ...linkFields,
  workCenter: z.nullable(z.string()),
  nodeCodes: z.array(z.string()),
  language,
  followsSiteLanguage: z.boolean(),
});
export type StationEnrolledAnswer = z.infer<typeof stationEnrolledAnswerSchema>;

/** An operator as the desk lists it. */
export const deskOperatorSchema = z.object({
  badge: z.string(),
  name: z.string(),
  hasPin: z.boolean(),
  /** The language a station speaks when they sign in; null: the station's own. */
  language: z.nullable(language),
  /** false: deactivated, not in any station's snapshot, cannot sign in. */
  active: z.boolean(),
  createdAt: z.string(),
});
export type DeskOperator = z.infer<typeof deskOperatorSchema>;

export const deskOperatorListSchema = z.object({ operators: z.array(deskOperatorSchema) });

/** What POST /operators answers. */
export const operatorAddedAnswerSchema = z.object({
  badge: z.string(),
  name: z.string(),
  hasPin: z.boolean(),
  language: z.nullable(language),
});

/**
 * PATCH /operators/:badge: only the fields given change. `pin: null` clears the PIN, `language:
 * null` clears the preference; `active: false` deactivates (true: active again).
 */
export const operatorChangeSchema = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  pin: z.optional(z.nullable(z.string().check(z.regex(PIN_PATTERN, 'a PIN is 4 to 8 digits')))),
  language: z.optional(z.nullable(language)),
  active: z.optional(z.boolean()),
});
export type OperatorChange = z.infer<typeof operatorChangeSchema>;

export const deskUserSchema = z.object({
  username: z.string(),
  role: z.enum(USER_ROLES),
  createdAt: z.string(),
});
export type DeskUser = z.infer<typeof deskUserSchema>;

export const deskUserListSchema = z.object({ users: z.array(deskUserSchema) });

/** What POST /users answers. */
export const userAddedAnswerSchema = z.object({ username: z.string(), role: z.enum(USER_ROLES) });

/** An error body's details: which field was wrong and why (the console says it beside that field). */
export const fieldErrorsSchema = z.object({
  error: z.object({
    message: z.optional(z.string()),
    details: z.optional(z.array(z.unknown())),
  }),
});

/** The fields an error body names (`details[].path`, first segment), with their messages. */
export function fieldErrors(body: unknown): Record<string, string> {
  const parsed = fieldErrorsSchema.safeParse(body);
  const out: Record<string, string> = {};
  if (!parsed.success) return out;
  for (const detail of parsed.data.error.details ?? []) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { path, message } = detail as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const field = path.split('.')[0] ?? '';
    if (field !== '' && out[field] === undefined) out[field] = message;
  }
  return out;
}
