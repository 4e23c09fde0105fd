// The ui bench's baseline: the least a full-screen program can do for a key, answer it at once.
// Raw mode, and each key is answered with its count on the first row.
let n = 0;
process.stdin.setRawMode(true);
process.stdout.write('\x1b[2J\x1b[Hready');
process.stdin.on('data', (d) => {
  if (d.includes(3)) process.exit(0);
  n += 1;
  process.stdout.write(`\x1b[H\x1b[Kkey ${n} ${d.toString('utf8').replace(/[^\x20-\x7e]/g, '?')}`);
});
