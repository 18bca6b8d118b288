"""The file spark-submit runs: one film analysis (see docs/architecture.md)."""

from wos.analysis import application

if __name__ == "__main__":
    application.main()
