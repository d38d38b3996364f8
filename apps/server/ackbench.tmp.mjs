// Scratch benchmark (not committed): QoS 1 ack-after-commit, naive (one commit per message) vs deferred PUBACK batching.
import mqtt from 'mqtt';
import pg from 'pg';
const N = Number(process.env.N ?? 3000);
const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 4 });
await pool.query('CREATE TABLE IF NOT EXISTS ackbench (id int PRIMARY KEY, v text)');
async function run(mode) {
  await pool.query('TRUNCATE ackbench');
  const topic = `ackbench/${mode}/${Math.random().toString(16).slice(2)}`;
  const sub = await mqtt.connectAsync(url, { clientId: `ab-${mode}-${Date.now()}`, clean: false, protocolVersion: Number(process.env.PV ?? 5),
    properties: { receiveMaximum: 1000, sessionExpiryInterval: 60 } });
  let stored = 0;
  const c = sub;
  if (mode === 'naive') {
    c.handleMessage = (p, cb) => {
      pool.query('INSERT INTO ackbench VALUES ($1, $2)', [Number(p.payload.toString()), 'x']).then(() => { stored++; cb(); });
    };
  } else {
    const send = c._sendPacket.bind(c); const held = new Set(); let q = []; let busy = false;
    c._sendPacket = (pk, cb, ...r) => { if (pk.cmd === 'puback' && held.delete(pk.messageId)) return cb?.(); send(pk, cb, ...r); };
    const flush = async () => {
      if (busy) return; busy = true;
      while (q.length) { const b = q.splice(0, 200);
        await pool.query('INSERT INTO ackbench SELECT * FROM unnest($1::int[], $2::text[])', [b.map((m) => m.id), b.map(() => 'x')]);
        stored += b.length; for (const m of b) send({ cmd: 'puback', messageId: m.mid }); }
      busy = false;
    };
    c.handleMessage = (p, cb) => { held.add(p.messageId); q.push({ id: Number(p.payload.toString()), mid: p.messageId }); setTimeout(flush, 10); cb(); };
  }
  await sub.subscribeAsync(topic, { qos: 1 });
  const pub = await mqtt.connectAsync(url, { clientId: `abp-${Date.now()}` });
  const t0 = Date.now();
  for (let i = 0; i < N; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, N - i) }, (_, k) => pub.publishAsync(topic, String(i + k), { qos: 1 })));
    while (stored < i - 500) await new Promise((r) => setTimeout(r, 2));
  }
  while (stored < N) await new Promise((r) => setTimeout(r, 2));
  const rate = Math.round((N * 1000) / (Date.now() - t0));
  console.log(`${mode}: ${N} QoS 1 messages stored at ${rate} msgs/s`);
  await pub.endAsync(); await sub.endAsync();
  const cl = await mqtt.connectAsync(url, { clientId: sub.options.clientId, clean: true }); await cl.endAsync();
}
for (const m of (process.env.MODES ?? 'naive,deferred').split(',')) await run(m);
await pool.query('DROP TABLE ackbench'); await pool.end();
