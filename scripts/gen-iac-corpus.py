#!/usr/bin/env python3
"""Generates a synthetic infrastructure repository for benchmarks: Terraform modules and
GitHub Actions workflows in the shapes coding assistants produce, with a mix of secure and
insecure settings. Usage: scripts/gen-iac-corpus.py OUT_DIR [N_FILES]"""

import os
import random
import sys

TF = '''variable "env_{i}" {{
  type    = string
  default = "{env}"
}}

locals {{
  name_{i} = "app-{i}-${{var.env_{i}}}"
}}

resource "aws_s3_bucket" "data_{i}" {{
  bucket = "${{local.name_{i}}}-data"
}}

resource "aws_s3_bucket_acl" "data_{i}" {{
  bucket = aws_s3_bucket.data_{i}.id
  acl    = "{acl}"
}}

resource "aws_security_group" "web_{i}" {{
  name = "${{local.name_{i}}}-web"

  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["{cidr}"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_db_instance" "db_{i}" {{
  identifier          = "${{local.name_{i}}}-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = var.db_password_{i}
  publicly_accessible = {public}
  storage_encrypted   = {encrypted}
}}

variable "db_password_{i}" {{
  type      = string
  sensitive = true
}}

resource "aws_iam_policy" "policy_{i}" {{
  name = "${{local.name_{i}}}-policy"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["{action}"]
      Resource = "{resource}"
    }}]
  }})
}}
'''

WF = '''name: ci-{i}

on:
  {trigger}:
    branches: [main]

permissions:
  contents: {perm}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{ref}
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Title
        run: echo "${{{{ {expr} }}}}"
      - run: npm ci && npm test
'''


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rnd = random.Random(42)
    for i in range(n):
        if i % 2 == 0:
            d = os.path.join(out, "infra", f"module{i // 20}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"main{i}.tf"), "w") as f:
                f.write(TF.format(
                    i=i,
                    env=rnd.choice(["dev", "prod"]),
                    acl=rnd.choice(["private", "public-read"]),
                    port=rnd.choice([22, 443, 5432, 3389]),
                    cidr=rnd.choice(["0.0.0.0/0", "10.0.0.0/8"]),
                    public=rnd.choice(["true", "false"]),
                    encrypted=rnd.choice(["true", "false"]),
                    action=rnd.choice(["*", "s3:GetObject"]),
                    resource=rnd.choice(["*", "arn:aws:s3:::bucket/*"]),
                ))
        else:
            d = os.path.join(out, f"repo{i // 50}", ".github", "workflows")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"ci{i}.yml"), "w") as f:
                f.write(WF.format(
                    i=i,
                    trigger=rnd.choice(["push", "pull_request", "pull_request_target"]),
                    perm=rnd.choice(["read", "write"]),
                    ref=rnd.choice(["v4", "b4ffde65f46336ab88eb53be808477a3936bae11"]),
                    expr=rnd.choice(["github.sha", "github.event.pull_request.title", "github.head_ref"]),
                ))


if __name__ == "__main__":
    main()
