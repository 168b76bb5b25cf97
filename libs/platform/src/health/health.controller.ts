import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Database } from '@concilia/persistence';
import { Public } from '../access/public.decorator';
import { RedisClient } from '../redis/redis.module';

/** Liveness: the process answers. Readiness: Postgres and Redis reachable, migrations applied. */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: Database,
    private readonly redis: RedisClient,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.probeDatabase(), () => this.probeMigrations(), () => this.probeRedis()]);
  }

  private async probeDatabase() {
    const indicator = this.indicators.check('database');
    return this.attempt(indicator, () => this.database.ping());
  }

  private async probeMigrations() {
    const indicator = this.indicators.check('migrations');
    try {
      return (await this.database.migrationsApplied()) ? indicator.up() : indicator.down({ message: 'pending migrations: run npm run db:migrate' });
    } catch {
      return indicator.down({ message: 'cannot read migrations' });
    }
  }

  private async probeRedis() {
    const indicator = this.indicators.check('redis');
    return this.attempt(indicator, () => this.redis.ping());
  }

  private async attempt(indicator: ReturnType<HealthIndicatorService['check']>, probe: () => Promise<unknown>) {
    try {
      await withTimeout(probe(), 2000);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'unreachable' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
