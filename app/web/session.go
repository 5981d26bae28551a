package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStorage keeps sessions in Redis (the embedded one on the default), so any web process
// can serve any request. Keys carry a prefix: Reset deletes only them, never the whole database
// (which also holds asynq's queues).
type redisStorage struct {
	rdb    redis.UniversalClient
	prefix string
}

func (r *redisStorage) Get(key string) ([]byte, error) {
	b, err := r.rdb.Get(context.Background(), r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return b, err
}

func (r *redisStorage) Set(key string, val []byte, exp time.Duration) error {
	return r.rdb.Set(context.Background(), r.prefix+key, val, exp).Err()
}

func (r *redisStorage) Delete(key string) error {
	return r.rdb.Del(context.Background(), r.prefix+key).Err()
}

func (r *redisStorage) Reset() error {
	ctx := context.Background()
	iter := r.rdb.Scan(ctx, 0, r.prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		if err := r.rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

func (r *redisStorage) Close() error { return nil }

// randomID is a 256-bit random identifier, URL-safe.
func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
