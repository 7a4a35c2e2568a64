// dev-only screenshot helper (not a test; removed before finishing)
import { startPlayground } from './helpers.mjs';
const [,, query = '', out = '/tmp/uishots/a.png', wait = '500', w = '1366', h = '768', play = '0'] = process.argv;
const pg = await startPlayground({ width: Number(w), height: Number(h) });
try {
  const page = await pg.open(query, { waitReady: false });
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20000 }).catch(() => console.log('not ready'));
  if (play !== '0') { await page.selectOption('#speed', play); await page.click('#play'); }
  await page.waitForTimeout(Number(wait));
  await page.screenshot({ path: out, fullPage: true });
  console.log('errors:', JSON.stringify(page.errors));
} finally { await pg.close(); }
