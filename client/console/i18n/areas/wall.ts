/**
 * @module The console's words for wall (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error). The wall display is read from across the floor: short
 * words, the counts carry the weight.
 */
import { plural } from '../../../i18n/plural';

export const wallEn = {
  heading: 'Floor board',
  /** The page's title in the browser tab. */
  title: 'Wall display · floor board',
  starting: 'Opening the floor board…',
  routingOf: (p: { n: number; count: number }) => `Routing ${p.n} of ${p.count}`,
  noRoutings: 'No routing is published yet.',
  ready: 'Ready',
  active: 'Active',
  waiting: 'Waiting',
  paused: (p: { n: number }) => `${p.n} paused`,
  starved: 'Starved: nothing ready',
  blocked: (p: { limit: number }) => `Blocked: over ${p.limit} ready`,
  flowing: 'Flowing',
  join: 'Join: parts meet here',
  oldestWait: (p: { duration: string }) => `Oldest wait ${p.duration}`,
  noWait: 'Nothing waiting',
  doneHour: (p: { units: number }) => `${p.units} done this hour`,
  /** Against the node's target per hour (SV-17); "12 / 30" never parts across lines. */
  doneHourOf: (p: { units: number; target: number }) => `${p.units}\u00a0/\u00a0${p.target} done this hour`,
  failed: (p: { time: string }) => `Could not refresh: figures as of ${p.time}. Trying again…`,
  unsent: (p: { stations: number; events: number }) =>
    `${p.stations} ${plural(p.stations, { one: 'station holds', other: 'stations hold' })} ${p.events} unsent ${plural(p.events, { one: 'event', other: 'events' })}: figures may still change`,
  quiet: (p: { stations: number }) =>
    `${p.stations} ${plural(p.stations, { one: 'station is', other: 'stations are' })} not reporting`,
  allSent: 'Every station has sent its events',
  revokedHeading: 'This display has been revoked.',
  revokedBody: 'Ask an admin for a new link.',
  unknownHeading: 'This screen has no valid display link.',
  unknownBody: 'Ask an admin for a new link: they issue one in the supervisor console under Wall displays.',
};

export const wallTh: typeof wallEn = {
  heading: 'กระดานหน้างาน',
  title: 'จอติดผนัง · กระดานหน้างาน',
  starting: 'กำลังเปิดกระดานหน้างาน…',
  routingOf: (p) => `เส้นทางการผลิต ${p.n} จาก ${p.count}`,
  noRoutings: 'ยังไม่มีเส้นทางการผลิตที่เผยแพร่',
  ready: 'พร้อมทำ',
  active: 'กำลังทำ',
  waiting: 'รอประกอบ',
  paused: (p) => `พักไว้ ${p.n}`,
  starved: 'ขาดงาน: ไม่มีงานพร้อมทำ',
  blocked: (p) => `งานค้าง: พร้อมทำเกิน ${p.limit}`,
  flowing: 'งานไหลปกติ',
  join: 'จุดรวมชิ้นส่วน',
  oldestWait: (p) => `รอนานสุด ${p.duration}`,
  noWait: 'ไม่มีงานรอ',
  doneHour: (p) => `ชั่วโมงนี้เสร็จ ${p.units}`,
  doneHourOf: (p) => `ชั่วโมงนี้เสร็จ ${p.units}\u00a0/\u00a0${p.target}`,
  failed: (p) => `โหลดข้อมูลใหม่ไม่ได้: ตัวเลข ณ เวลา ${p.time} กำลังลองใหม่…`,
  unsent: (p) => `${p.stations} สถานีมี ${p.events} เหตุการณ์ที่ยังไม่ส่ง: ตัวเลขอาจยังเปลี่ยน`,
  quiet: (p) => `${p.stations} สถานีไม่ได้รายงาน`,
  allSent: 'ทุกสถานีส่งเหตุการณ์ครบแล้ว',
  revokedHeading: 'จอนี้ถูกเพิกถอนแล้ว',
  revokedBody: 'ขอลิงก์ใหม่จากผู้ดูแลระบบ',
  unknownHeading: 'จอนี้ไม่มีลิงก์จอแสดงผลที่ใช้ได้',
  unknownBody: 'ขอลิงก์ใหม่จากผู้ดูแลระบบ: สร้างได้ในคอนโซลหัวหน้างาน หน้าจอติดผนัง',
};
