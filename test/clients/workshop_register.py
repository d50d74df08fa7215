"""What the workshop's server.py does with Debian's python3-consul, against HOST:PORT.

Run with /usr/bin/python3 (Debian's python, where `import consul` is python3-consul):

    workshop_register.py HOST PORT register NAME SERVICE_ID ADDRESS SERVICE_PORT [CHECK_URL [INTERVAL]]
    workshop_register.py HOST PORT deregister NAME SERVICE_ID
    workshop_register.py HOST PORT ttl NAME SERVICE_ID CHECK_ID

Prints one JSON object on stdout: what each python-consul call returned, tuples as lists.
"""

import json
import sys

import consul


def main(argv):
    host, port, action = argv[1], int(argv[2]), argv[3]
    c = consul.Consul(host, port)
    out = {"client_version": getattr(consul, "__version__", "")}

    if action == "register":
        name, service_id, address, service_port = argv[4], argv[5], argv[6], int(argv[7])
        if len(argv) > 8:
            interval = argv[9] if len(argv) > 9 else "10s"
            out["registered"] = c.agent.service.register(
                name,
                service_id=service_id,
                address=address,
                port=service_port,
                check=consul.Check.http(argv[8], interval),
            )
        else:
            out["registered"] = c.agent.service.register(
                name, service_id=service_id, address=address, port=service_port
            )
        out["catalog"] = c.catalog.service(name)
        out["health_passing"] = c.health.service(name, passing=True)
        out["health"] = c.health.service(name)
        out["agent_services"] = c.agent.services()
    elif action == "deregister":
        name, service_id = argv[4], argv[5]
        out["deregistered"] = c.agent.service.deregister(service_id)
        out["catalog"] = c.catalog.service(name)
        out["agent_services"] = c.agent.services()
    elif action == "ttl":
        name, service_id, check_id = argv[4], argv[5], argv[6]
        out["registered"] = c.agent.service.register(name, service_id=service_id, port=9000)
        out["check_registered"] = c.agent.check.register(
            name + " heartbeat",
            check=consul.Check.ttl("10s"),
            check_id=check_id,
            service_id=service_id,
        )
        out["checks_before"] = c.health.checks(name)
        out["ttl_pass"] = c.agent.check.ttl_pass(check_id)
        out["checks_after"] = c.health.checks(name)
        out["health_passing"] = c.health.service(name, passing=True)
        out["agent_checks"] = c.agent.checks()
    else:
        raise SystemExit("unknown action: " + action)

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
