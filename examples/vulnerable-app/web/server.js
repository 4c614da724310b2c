const express = require('express');
const crypto = require('crypto');
const mysql = require('mysql2');
const { exec } = require('child_process');

const app = express();
app.use(express.json());

const db = mysql.createConnection({
  host: 'localhost',
  user: 'root',
  password: 'Sup3rS3cretPassw0rd!2024',
  database: 'shop',
});

function hashToken(token) {
  return crypto.createHash('sha1').update(token).digest('hex');
}

app.get('/products', (req, res) => {
  const category = req.query.category;
  const sql = `SELECT * FROM products WHERE category = '${category}'`;
  db.query(sql, (err, rows) => {
    if (err) return res.status(500).send(err.message);
    res.json(rows);
  });
});

app.get('/greet', (req, res) => {
  res.send('<h1>Hello ' + req.query.name + '</h1>');
});

app.post('/convert', (req, res) => {
  exec('convert ' + req.body.file + ' out.png', (err, stdout) => {
    res.send(stdout);
  });
});

app.post('/login', (req, res) => {
  const sessionId = Math.random().toString(36).substring(2);
  res.cookie('session', sessionId, { httpOnly: false });
  res.json({ token: hashToken(sessionId) });
});

app.listen(3000);
