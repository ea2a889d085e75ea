/**
 * Corefile examples from "Learning CoreDNS" (chapters 3, 6 and 7), as configuration
 * fixtures for the parser. Lines the book wraps with a ↵ are joined.
 */
export const example3_1 = `# What follows is called an "entry"
label {
    definition
}
`;

export const example3_2 = `label1 label2 {
    definition
}
`;

export const example3_3 = `label1, label2,
label3, label4,
label5 {
    definition
}
`;

export const example3_5 = `label {
    directive1 arg1 arg2
    directive2 {
        arg3
        arg4
    }
}
`;

export const example3_6 = `label {
    directive1 arg1 arg2
    directive2 {
        subdirective arg3 arg4
        arg5
    }
}
`;

export const example3_7 = `label_{$ENV_VAR_1} {
    directive {$ENV_VAR_2}
}
`;

export const example3_8 = `(snippet1) {
    label1 {
        directive1 arg1
        directive2 arg2 arg3
    }
}
import snippet1
`;

export const example3_15 = `# First entry
foo.example {
    # directive1
}

# Second entry
tls://foo.example {
    # directive2
}

# Third entry
bar.example {
    # directive3
}

# Fourth entry
bar.example:1053 {
    # directive4
}

# Fifth entry
. {
    # directive5
    # directive6
}
`;

export const example3_37 = `. {
    forward . 8.8.8.8 8.8.4.4
    cache
    errors
    log
}
`;

export const example3_38 = `foo.example {
    root /etc/coredns/zones    
     # Don't forget to tell CoreDNS which directory to look in!
    file db.foo.example
    errors
    log
}

# If you want your DNS server to handle recursive queries, too,
# you'll need an entry like the following.  If it's authoritative-
# only, omit it.

. {
    forward 8.8.8.8 8.8.4.4
    cache
    errors
    log
}
`;

export const example3_39 = `(logerrors) {
   errors
   log
}

bar.example {
    transfer from 10.0.0.1
    import logerrors
}

# A given DNS server can, of course, be secondary for some zones
# and primary for others...

foo.example {
    file db.foo.example
    root /etc/coredns/zones
    import logerrors
}

# And again, if you want your DNS server to handle recursive
# queries

. {
    forward 8.8.8.8 8.8.4.4
    cache
    import logerrors
}
`;

export const example6_11 = `    .:53 {
        errors
        health
        kubernetes CLUSTER_DOMAIN REVERSE_CIDRS {
          pods insecure
          upstream
          fallthrough in-addr.arpa ip6.arpa
        }
        prometheus :9153
        forward . UPSTREAMNAMESERVER
        cache 30
        loop
        reload
        loadbalance
    }
`;

export const example6_13 = `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      upstream
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}

corp.example.com:53 {
    errors
    cache 30
    loop
    forward . 10.0.0.10:53
}
`;

export const example7_1 = `example.com:5300 in-addr.arpa:5300 {
    # Match host-a-b-c-d.example.com A requests and return a.b.c.d
    template IN A example.com {
      match (^|[.])host-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]com[.]$
      answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
      fallthrough
    }
     # Match d.c.b.a.in-addr.arpa PTR requests and return host-a-b-c-d.example.com
    template IN PTR in-addr.arpa {
      match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
      answer "{{ .Name }} 60 IN PTR host-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example.com."
    }

    forward . /etc/resolv.conf
}
`;
