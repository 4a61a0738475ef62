import type { Catalogue } from '../catalogue';

export const words: Catalogue['words'] = {
  status: {
    ready: 'พร้อม',
    active: 'กำลังทำ',
    paused: 'หยุดชั่วคราว',
    waiting: 'รอชิ้นส่วนอื่น',
    split: 'แยกเป็นชิ้นส่วนแล้ว',
    completed: 'เสร็จแล้ว',
    scrapped: 'ทิ้งเป็นของเสียแล้ว',
  },
  action: {
    start: 'เริ่ม',
    pause: 'หยุดชั่วคราว',
    resume: 'ทำต่อ',
    complete: 'เสร็จ',
    qc_pass: 'QC ผ่าน',
    qc_fail: 'QC ไม่ผ่าน',
    scrap: 'ทิ้งเป็นของเสีย',
    bind_component: 'ผูกชิ้นส่วน',
    note: 'บันทึกหมายเหตุ',
  },
  statusAt: (p) => `${p.status} ที่ ${p.node}`,
  language: { th: 'ไทย', en: 'English' },
  chooseLanguage: 'ภาษา',
};
