provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "uploads" {
  bucket = "${var.app_name}-uploads"
}

resource "aws_s3_bucket_acl" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  acl    = "public-read"
}

resource "aws_security_group" "db" {
  name        = "${var.app_name}-db"
  description = "Database access"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "main" {
  identifier          = "${var.app_name}-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "appuser"
  password            = "ChangeMe123!"
  publicly_accessible = true
  storage_encrypted   = false
  skip_final_snapshot = true
}
