"""The hardened load balancer, listeners and alarms of SecureAlbService, as data.

Plain values and functions returning fresh props; the construct only wires them together.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

HTTPS_PORT = 443
HTTP_PORT = 80

#: TLS 1.3 and 1.2 with post-quantum hybrid key exchange (ML-KEM), the policy AWS
#: recommends for new HTTPS listeners: ``ELBSecurityPolicy-TLS13-1-2-PQ-2025-09``.
DEFAULT_SSL_POLICY = elbv2.SslPolicy.TLS13_12_PQ

#: How long a connection may sit idle before the ALB closes it.
IDLE_TIMEOUT = cdk.Duration.seconds(60)

#: Target group settings: the health check, and how long a stopping task keeps serving
#: in-flight requests (short, so deployments and scale-in are quick).
HEALTHY_HTTP_CODES = "200-399"
HEALTH_CHECK_INTERVAL = cdk.Duration.seconds(30)
DEREGISTRATION_DELAY = cdk.Duration.seconds(30)


def load_balancer_props() -> dict[str, Any]:
    """What every load balancer we create has, whatever the inputs.

    * ``routing.http.drop_invalid_header_fields.enabled = true`` (SC-ELB-4, FSBP ELB.4).
    * ``routing.http.desync_mitigation_mode = strictest``: only RFC 7230-compliant requests
      reach the targets (SC-ELB-5, FSBP ELB.12).
    * HTTP/2 on; idle connections closed after 60 s.

    See also :data:`EXPLICIT_ATTRIBUTES`.
    """
    return {
        "drop_invalid_header_fields": True,
        "desync_mitigation_mode": elbv2.DesyncMitigationMode.STRICTEST,
        "http2_enabled": True,
        "idle_timeout": IDLE_TIMEOUT,
    }


#: Attributes written even where they equal the ELB default, so the template (and every
#: scanner reading it) states them: if WAF cannot be reached, requests are refused rather
#: than let through uninspected. CDK omits ``waf_fail_open=False``, hence the attribute.
EXPLICIT_ATTRIBUTES = {"waf.fail_open.enabled": "false"}


def redirect_to_https() -> elbv2.ListenerAction:
    """The only thing port 80 does: a permanent redirect to HTTPS on 443 (SC-ELB-1)."""
    return elbv2.ListenerAction.redirect(protocol="HTTPS", port=str(HTTPS_PORT), permanent=True)


# -- alarms --------------------------------------------------------------------------------

#: Server errors (ALB and target 5xx) as a share of requests that wakes someone up.
SERVER_ERROR_RATE_PERCENT = 5.0
#: Below this many requests in a period the error rate is not judged (one failed request
#: out of three at night is not an incident).
MINIMUM_REQUESTS = 20
#: Requests WAF blocks in one period that mean an attack (or a false positive) in progress.
WAF_BLOCKED_REQUESTS = 500
#: Alarms look at 5-minute periods and fire when 2 of the last 3 breach: a short blip
#: does not page, a sustained problem does within 10-15 minutes.
ALARM_PERIOD = cdk.Duration.minutes(5)
EVALUATION_PERIODS = 3
DATAPOINTS_TO_ALARM = 2
