//! Snapshot tests of the JavaScript/TypeScript lowering: each case is code in the style an
//! assistant writes it, printed as IR.

use rampart_core::Language;
use rampart_ir::print::module_to_string;
use rampart_syntax::SourceFile;

fn lower(path: &str, language: Language, text: &str) -> rampart_ir::Module {
    let file = SourceFile::from_text(path, language, text);
    let parsed = rampart_syntax::parse(language, text).expect("parses");
    rampart_ir::lower(&file, &parsed.tree).expect("lowers")
}

fn ir(path: &str, language: Language, text: &str) -> String {
    module_to_string(&lower(path, language, text))
}

#[test]
fn express_commonjs_routes() {
    let src = r#"
const express = require('express');
const { exec } = require('child_process');
const db = require('./db');
const router = express.Router();

router.get('/users/:id', async (req, res) => {
  const { id } = req.params;
  const sql = "SELECT * FROM users WHERE id = '" + id + "'";
  const rows = await db.query(sql);
  res.send(`<h1>${rows[0].name}</h1>`);
});

function runBackup(req, res) {
  exec('tar czf /tmp/b.tgz ' + req.query.dir, (err, out) => res.send(out));
}

router.post('/backup', auth, runBackup);
module.exports = router;
"#;
    insta::assert_snapshot!(ir("routes/users.js", Language::JavaScript, src));
}

#[test]
fn es_modules_imports_and_exports() {
    let src = r#"
import express, { Request, Response } from 'express';
import * as fs from 'node:fs';
import { promises as fsp } from 'fs';
import { getUser as fetchUser } from './services/users';
export { default as UserService } from './user.service';
export * from './models';
export * as helpers from './helpers';

export const PORT = 3000;
export function readConfig(name: string): string {
  return fs.readFileSync('/etc/app/' + name, 'utf8');
}
const handler = async (req: Request, res: Response) => {
  const user = await fetchUser(req.query.id as string);
  res.json(user);
};
export { handler as getHandler };
export default handler;
"#;
    insta::assert_snapshot!(ir("src/index.ts", Language::TypeScript, src));
}

#[test]
fn control_flow_and_guards() {
    let src = r#"
const ALLOWED = ['name', 'email'];
function sortUsers(req, res) {
  let column = req.query.sort || 'name';
  if (!ALLOWED.includes(column) && column !== 'id') {
    return res.status(400).send('bad column');
  }
  switch (req.query.dir) {
    case 'asc':
      column += ' ASC';
      break;
    case 'desc':
      column += ' DESC';
    default:
      column = column;
  }
  for (const item of req.body.items) {
    if (!item) continue;
    log(item);
  }
  for (let i = 0; i < 10; i++) { total += i; }
  while (x) { x = next(x); }
  try {
    risky(column);
  } catch (err) {
    console.error(err.message);
  } finally {
    done();
  }
  const label = req.query.admin ? 'admin' : 'user';
  throw new Error('unreachable ' + label);
}
"#;
    insta::assert_snapshot!(ir("lib/sort.js", Language::JavaScript, src));
}

#[test]
fn typescript_classes_decorators_and_parameter_properties() {
    let src = r#"
import { Controller, Get, Query, Param } from '@nestjs/common';
import { Repository } from 'typeorm';

interface UserDto { id: number; name: string }
type Id = string | number;
enum Role { Admin = 'admin', User = 'user' }

@Controller('users')
export class UsersController extends BaseController implements OnInit {
  private readonly limit: number = 50;
  static instances = 0;

  constructor(private readonly repo: Repository<UserDto>, logger) {
    super();
    this.logger = logger;
  }

  @Get(':id')
  async findOne(@Param('id') id: string, @Query() query: any): Promise<UserDto> {
    const user = await this.repo.query(`SELECT * FROM users WHERE id = ${id}`);
    return user!;
  }

  handle = async (req, res) => {
    this.logger.info(req.body.name);
  };
}
"#;
    insta::assert_snapshot!(ir(
        "src/users/users.controller.ts",
        Language::TypeScript,
        src
    ));
}

#[test]
fn jsx_props_and_dangerous_html() {
    let src = r#"
import React from 'react';
import DOMPurify from 'dompurify';

export default function Comment({ comment, author }) {
  const clean = DOMPurify.sanitize(comment.body);
  return (
    <div className="comment" {...rest}>
      <h3>{author.name}</h3>
      <p dangerouslySetInnerHTML={{ __html: comment.body }} />
      <Avatar user={author} small />
      Posted
    </div>
  );
}
"#;
    insta::assert_snapshot!(ir("components/Comment.jsx", Language::JavaScript, src));
}

#[test]
fn destructuring_objects_closures_and_callbacks() {
    let src = r#"
const pool = require('../db/pool');
module.exports = {
  async search(req, res) {
    const { q = '', page = 1, ...filters } = req.query;
    const [first, , third] = req.body.tags;
    const opts = { where: { name: q }, limit: Number(page), ...filters };
    const render = (row) => `<li>${row.title} ${q}</li>`;
    pool.query('SELECT * FROM posts WHERE title LIKE $1', [`%${q}%`])
      .then((result) => res.send(result.rows.map(render).join('')))
      .catch(next);
    document.getElementById('out').innerHTML = first;
    window.location.href = req.query['next'];
    const n = parseInt(third, 10) + +page;
    return sql`SELECT ${n} FROM t`;
  },
  remove: async (req, res) => { await pool.query(req.body?.sql); },
};
exports.helper = function (x) { return x; };
"#;
    insta::assert_snapshot!(ir("controllers/posts.js", Language::JavaScript, src));
}

#[test]
fn nextjs_route_handlers() {
    let src = r#"
import { NextResponse } from 'next/server';
import { redirect } from 'next/navigation';

export async function GET(request: Request) {
  const { searchParams } = new URL(request.url);
  const next = searchParams.get('next') ?? '/';
  return NextResponse.redirect(new URL(next, request.url));
}

export default async function handler(req, res) {
  const { path } = req.query;
  res.status(200).json({ path });
}
"#;
    insta::assert_snapshot!(ir("app/api/login/route.ts", Language::TypeScript, src));
}

#[test]
fn tsx_components() {
    let src = r#"
import type { FC } from 'react';
type Props = { html: string; href?: string };
export const Preview: FC<Props> = ({ html, href }) => (
  <>
    <a href={href!}>{html as string}</a>
    <section dangerouslySetInnerHTML={{ __html: html }}></section>
  </>
);
"#;
    insta::assert_snapshot!(ir("src/Preview.tsx", Language::Tsx, src));
}

#[test]
fn malformed_code_does_not_panic() {
    let cases = [
        "function (req, res { res.send(req.query.x ",
        "const = require(;",
        "class { constructor( } ",
        "<div dangerouslySetInnerHTML={{__html: }} ",
        "for (const of) {} switch { case: }",
        "export default",
        "import from 'x'; export { as } from",
        "x = `${`${`${a}`}`}` + + + ;",
    ];
    for src in cases {
        for lang in [Language::JavaScript, Language::TypeScript, Language::Tsx] {
            let m = lower("bad.js", lang, src);
            assert!(!m.functions.is_empty());
        }
    }
    // Deep nesting lowers without overflowing the stack.
    let deep = format!("x = {}1{};", "(".repeat(5000), ")".repeat(5000));
    let m = lower("deep.js", Language::JavaScript, &deep);
    assert!(!m.functions.is_empty());
    let chain = format!("x = 'a'{};", " + y".repeat(20000));
    let m = lower("chain.js", Language::JavaScript, &chain);
    assert!(!m.functions.is_empty());
}

#[test]
fn names_resolve_through_imports_requires_and_scopes() {
    let src = r#"
const cp = require('node:child_process');
const { readFile } = require('fs').promises;
const yaml = require('js-yaml');
const TEMPLATE = 'hello';
function outer(req) {
  const q = req.query.q;
  function inner() { return q + TEMPLATE; }
  require('child_process').exec(inner());
  cp.execSync(q);
  register(cp.exec);
  return readFile(yaml.load(q));
}
"#;
    let m = lower("src/x.js", Language::JavaScript, src);
    let imports: Vec<(String, String, bool)> = m
        .imports
        .iter()
        .map(|i| (i.local.clone(), i.target.clone(), i.whole_module))
        .collect();
    assert_eq!(
        imports,
        vec![
            ("cp".into(), "child_process".into(), true),
            ("readFile".into(), "fs.promises.readFile".into(), false),
            ("yaml".into(), "js-yaml".into(), true),
        ]
    );
    let text = module_to_string(&m);
    assert!(text.contains("global src/x.outer.q"), "{text}");
    assert!(text.contains("global src/x.TEMPLATE"), "{text}");
    assert!(text.contains("global child_process\n"), "{text}");
    assert!(text.contains("call src/x.outer.inner()"), "{text}");
    assert!(text.contains("call fs.promises.readFile("), "{text}");
    // An imported member read as a value is the imported path itself.
    assert!(text.contains("global child_process.exec\n"), "{text}");
}

#[test]
fn class_field_initializers_and_promisify() {
    let src = r#"
import { promisify } from 'util';
import { exec } from 'child_process';
import { Pool } from 'pg';
import mysql from 'mysql2';

const execAsync = promisify(exec);
const { createPool } = mysql;

export class ReportRepository {
  private pool = new Pool({ connectionString: process.env.DATABASE_URL });
  private cache = new Map<string, string>();
  readonly table = 'reports';

  async find(id: string) {
    await execAsync(`render ${id}`);
    return this.pool.query(`SELECT * FROM ${this.table} WHERE id = ${id}`);
  }
}

class WithConstructor {
  client = createClient();
  constructor(url) {
    this.url = url;
  }
}
"#;
    insta::assert_snapshot!(ir(
        "src/reports/report.repository.ts",
        Language::TypeScript,
        src
    ));
}

#[test]
fn handlers_by_reference_bound_and_wrapped() {
    let src = r#"
const app = require('express')();
const users = require('./controllers/users');
const asyncHandler = require('express-async-handler');
const { Pool } = require('pg');
const pool = new Pool();

class Admin {
  constructor() { this.audit = []; }
  purge(req, res) { this.audit.push(req.ip); }
}
const admin = new Admin();
const helpers = {};
helpers.render = function (html) { return `<main>${html}</main>`; };

app.get('/users/:id', users.show);
app.delete('/purge', admin.purge.bind(admin));
app.post('/q', asyncHandler(async (req, res) => {
  const { rows } = await pool.query('SELECT $1::text AS v', [req.body.v]);
  res.send(helpers.render(rows[0].v));
}));
"#;
    insta::assert_snapshot!(ir("app.js", Language::JavaScript, src));
}
