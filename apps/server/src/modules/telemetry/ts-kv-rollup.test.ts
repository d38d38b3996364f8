import { wholeHourOffset } from './ts-kv-rollup.js';

describe('which time zones can read the hourly rollup', () => {
  it('whole-hour offsets (UTC, Berlin in winter and summer, New York) can; half-hour ones and unknown zones cannot', () => {
    const winter = Date.UTC(2026, 0, 15);
    const summer = Date.UTC(2026, 6, 15);
    expect(wholeHourOffset('UTC', winter)).toBe(true);
    expect(wholeHourOffset('Europe/Berlin', winter)).toBe(true);
    expect(wholeHourOffset('Europe/Berlin', summer)).toBe(true);
    expect(wholeHourOffset('America/New_York', summer)).toBe(true);
    expect(wholeHourOffset('Asia/Kolkata', winter)).toBe(false);
    expect(wholeHourOffset('Asia/Kathmandu', winter)).toBe(false);
    expect(wholeHourOffset('Australia/Lord_Howe', winter)).toBe(true); // +11 in its summer
    expect(wholeHourOffset('Australia/Lord_Howe', summer)).toBe(false); // +10:30
    expect(wholeHourOffset('Not/AZone', winter)).toBe(false);
  });
});
