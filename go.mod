module github.com/semrouter/monorepo

go 1.26
