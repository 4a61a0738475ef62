/**
 * @module The console's words for stations (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */
import { plural } from '../../../i18n/plural';

export const stationsEn = {
  heading: 'Stations',
  loading: 'Loading the stations…',
  failed: 'Could not load the stations. Trying again…',
  empty: 'No station is enrolled yet.',
  summary: (p: { total: number; reporting: number; quiet: number; never: number }) =>
    `${p.total} ${plural(p.total, { one: 'station', other: 'stations' })}: ${p.reporting} reporting, ${p.quiet} not reporting, ${p.never} never reported`,
  threshold: (p: { duration: string }) => `A station is “not reporting” after ${p.duration} without contact.`,
  state: {
    reporting: 'Reporting',
    quiet: 'Not reporting',
    never: 'Never reported',
    revoked: 'Credential revoked',
  },
  lastContact: (p: { ago: string }) => `last contact ${p.ago} ago`,
  workCenter: (p: { code: string }) => `Work center ${p.code}`,
  noWorkCenter: 'No work center',
  attention: 'Needs attention',
  label: {
    unsent: 'Unsent',
    refused: 'Refused',
    gaps: 'Lost device data',
    clock: 'Clock',
    version: 'App version',
    storage: 'Storage',
    parked: 'Waiting scans',
    onlineSince: 'Online since',
  },
  none: 'None',
  notReported: 'Not reported yet',
  noData: 'Nothing heard from this station yet: what it holds is unknown',
  unsent: (p: { n: number; oldest: string }) =>
    `${p.n} ${plural(p.n, { one: 'event', other: 'events' })}, oldest from ${p.oldest}`,
  unsentStale: 'Old events are not getting out',
  refused: (p: { n: number }) => `${p.n} ${plural(p.n, { one: 'event', other: 'events' })}: see Exceptions`,
  gaps: (p: { n: number; ranges: string }) =>
    `${p.n} ${plural(p.n, { one: 'event', other: 'events' })} never arrived (seq ${p.ranges})`,
  clockUnknown: 'Unknown',
  clockExact: 'On time',
  clockOk: (p: { offset: string }) => `On time (off by ${p.offset})`,
  clockAhead: (p: { offset: string }) => `${p.offset} fast: set the tablet’s clock`,
  clockBehind: (p: { offset: string }) => `${p.offset} slow: set the tablet’s clock`,
  storage: (p: { used: string; quota: string; percent: string }) =>
    `${p.used} used of ${p.quota} (${p.percent}%)`,
  storageUnknown: 'Not told by the browser',
  bytes: {
    kb: (p: { n: string }) => `${p.n} KB`,
    mb: (p: { n: string }) => `${p.n} MB`,
    gb: (p: { n: string }) => `${p.n} GB`,
  },
  offline: 'Offline',
};

export const stationsTh: typeof stationsEn = {
  heading: 'สถานี',
  loading: 'กำลังโหลดสถานะสถานี…',
  failed: 'โหลดสถานะสถานีไม่ได้ กำลังลองใหม่…',
  empty: 'ยังไม่มีสถานีที่ลงทะเบียน',
  summary: (p) =>
    `${p.total} สถานี: รายงานอยู่ ${p.reporting} · ไม่ได้รายงาน ${p.quiet} · ยังไม่เคยรายงาน ${p.never}`,
  threshold: (p) => `สถานีที่ไม่ได้ติดต่อนานเกิน ${p.duration} จะแสดงว่า “ไม่ได้รายงาน”`,
  state: {
    reporting: 'รายงานอยู่',
    quiet: 'ไม่ได้รายงาน',
    never: 'ยังไม่เคยรายงาน',
    revoked: 'ถูกเพิกถอนสิทธิ์แล้ว',
  },
  lastContact: (p) => `ติดต่อล่าสุด ${p.ago} ที่แล้ว`,
  workCenter: (p) => `ศูนย์งาน ${p.code}`,
  noWorkCenter: 'ไม่มีศูนย์งาน',
  attention: 'ต้องตรวจสอบ',
  label: {
    unsent: 'ค้างส่ง',
    refused: 'ถูกปฏิเสธ',
    gaps: 'ข้อมูลหายในเครื่อง',
    clock: 'นาฬิกา',
    version: 'เวอร์ชันแอป',
    storage: 'พื้นที่เก็บข้อมูล',
    parked: 'การสแกนที่รอ',
    onlineSince: 'ออนไลน์ตั้งแต่',
  },
  none: 'ไม่มี',
  notReported: 'ยังไม่ได้รายงาน',
  noData: 'ยังไม่เคยได้รับข้อมูลจากสถานีนี้ จึงไม่ทราบว่ามีรายการค้างอยู่เท่าไร',
  unsent: (p) => `${p.n} รายการ เก่าสุดเมื่อ ${p.oldest}`,
  unsentStale: 'รายการเก่ายังส่งไม่ออก',
  refused: (p) => `${p.n} รายการ ดูที่หน้าปัญหา`,
  gaps: (p) => `หายไป ${p.n} รายการ (ลำดับ ${p.ranges})`,
  clockUnknown: 'ไม่ทราบ',
  clockExact: 'ตรงเวลา',
  clockOk: (p) => `ตรงเวลา (ต่างกัน ${p.offset})`,
  clockAhead: (p) => `เร็วไป ${p.offset} ควรตั้งนาฬิกาแท็บเล็ต`,
  clockBehind: (p) => `ช้าไป ${p.offset} ควรตั้งนาฬิกาแท็บเล็ต`,
  storage: (p) => `ใช้ ${p.used} จาก ${p.quota} (${p.percent}%)`,
  storageUnknown: 'เบราว์เซอร์ไม่ได้แจ้ง',
  bytes: { kb: (p) => `${p.n} KB`, mb: (p) => `${p.n} MB`, gb: (p) => `${p.n} GB` },
  offline: 'ออฟไลน์',
};
