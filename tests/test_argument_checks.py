"""Typed parameters and validated enum arguments read from hand-written C, and event IDs linked from the API XML."""

from __future__ import annotations

from types import SimpleNamespace

from kbgen.merge.arguments import argument_links
from kbgen.parse.checkflags import CSources
from kbgen.parse.enumchecks import enum_checks
from kbgen.parse.typedparams import param_check, takes_typed_parameters

DRIVER = """
#define FAKE_MIGRATION_PARAMETERS \\
    VIR_MIGRATE_PARAM_URI, VIR_TYPED_PARAM_STRING, \\
    VIR_MIGRATE_PARAM_DISKS, VIR_TYPED_PARAM_STRING | \\
                             VIR_TYPED_PARAM_MULTIPLE

static int
fakeSetIoTune(virDomainPtr dom, virTypedParameterPtr params, int nparams, unsigned int flags)
{
    if (virTypedParamsValidate(params, nparams,
                               VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC, VIR_TYPED_PARAM_ULLONG,
                               VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME, VIR_TYPED_PARAM_STRING,
                               NULL) < 0)
        return -1;
    return 0;
}

static int
fakeMigrateBegin(virDomainPtr dom, virTypedParameterPtr params, int nparams)
{
    return virTypedParamsValidate(params, nparams, FAKE_MIGRATION_PARAMETERS, NULL);
}

static int
fakeParse(virTypedParameterPtr params, int nparams)
{
    return virTypedParamsValidate(params, nparams, VIR_DOMAIN_IOTHREAD_POLL_MAX_NS, VIR_TYPED_PARAM_ULLONG, NULL);
}

static int
fakeSetIOThread(virDomainPtr dom, virTypedParameterPtr params, int nparams)
{
    return fakeParse(params, nparams);
}

static int
fakeByName(virDomainPtr dom, virTypedParameterPtr params, int nparams)
{
    return virTypedParamsValidate(params, nparams, "bandwidth", VIR_TYPED_PARAM_ULLONG, NULL);
}

static int
fakeGetStats(virDomainPtr dom, virTypedParameterPtr params, int *nparams)
{
    return 0;
}

static int
fakeSuspend(virDomainPtr dom, unsigned int target, unsigned long long duration, unsigned int flags)
{
    if (target != VIR_NODE_SUSPEND_TARGET_MEM && target != VIR_NODE_SUSPEND_TARGET_DISK)
        return -1;
    return 0;
}

static int
fakeAddresses(virDomainPtr dom, unsigned int source, unsigned int flags)
{
    switch (source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        return 1;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP: {
        switch (flags) {
        case VIR_NOT_A_SOURCE:
            break;
        }
        return 2;
    }
    default:
        return -1;
    }
}

static int
nodeSuspend(unsigned int what)
{
    return what == VIR_NODE_SUSPEND_TARGET_HYBRID;
}

static int
fakeNodeSuspend(virConnectPtr conn, unsigned int target, unsigned int flags)
{
    return nodeSuspend(target);
}

static int
fakeRange(virDomainPtr dom, unsigned int target)
{
    if (target >= VIR_NODE_SUSPEND_TARGET_LAST)
        return -1;
    return 0;
}
"""


def sources() -> CSources:
    return CSources({"src/fake/fake_driver.c": DRIVER})


def test_a_validate_call_lists_the_parameter_names_it_accepts():
    check = param_check(sources(), "fakeSetIoTune")
    assert check.params == ("VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC", "VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME")
    assert check.via == () and check.reason.startswith("virTypedParamsValidate in fake_driver.c:")


def test_a_list_macro_of_the_driver_is_expanded_types_ored_or_not():
    assert param_check(sources(), "fakeMigrateBegin").params == ("VIR_MIGRATE_PARAM_URI", "VIR_MIGRATE_PARAM_DISKS")


def test_params_handed_to_a_helper_are_followed():
    check = param_check(sources(), "fakeSetIOThread")
    assert check.params == ("VIR_DOMAIN_IOTHREAD_POLL_MAX_NS",) and check.via == ("fakeParse",)


def test_a_list_that_is_not_macro_names_is_unknown_with_the_reason():
    check = param_check(sources(), "fakeByName")
    assert check.params is None and "is not a macro of the API" in check.reason


def test_no_validate_call_is_unknown_and_getters_take_no_typed_parameters():
    assert param_check(sources(), "fakeSuspend").params is None
    assert param_check(sources(), "nowhere").reason == "definition not found in the given sources"
    assert takes_typed_parameters(sources(), "fakeSetIoTune")
    assert not takes_typed_parameters(sources(), "fakeGetStats")


def test_an_enum_argument_compared_with_constants_accepts_those_values():
    [check] = enum_checks(sources(), "fakeSuspend")
    assert (check.argument, check.values) == ("target", ("VIR_NODE_SUSPEND_TARGET_MEM", "VIR_NODE_SUSPEND_TARGET_DISK"))


def test_a_switch_accepts_its_own_case_labels_not_those_of_a_nested_switch():
    [check] = enum_checks(sources(), "fakeAddresses")
    assert check.values == ("VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE", "VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP")


def test_an_argument_passed_to_a_helper_is_followed_under_its_new_name():
    [check] = enum_checks(sources(), "fakeNodeSuspend")
    assert (check.argument, check.values, check.via) == ("target", ("VIR_NODE_SUSPEND_TARGET_HYBRID",), ("nodeSuspend",))


def test_a_range_check_determines_no_values():
    assert enum_checks(sources(), "fakeRange") == []


def _sym(name, kind, int_args=(), info_refs=()):
    return SimpleNamespace(name=name, kind=kind, int_args=int_args, info_refs=info_refs)


def _enum(name, enum_type, value):
    return {"name": name, "kind": "enum", "enum_type": enum_type, "int_value": value}


def test_event_ids_link_to_the_register_function_their_typedef_names_and_choices_are_validated():
    latest = [
        _sym("virConnectDomainEventRegisterAny", "function", (("eventID", ()),)),
        _sym("virDomainEventID", "typedef", info_refs=("virConnectDomainEventRegisterAny",)),
        _sym("virDomainPMSuspendForDuration", "function", (("target", ("virNodeSuspendTarget",)),)),
        _sym("virNodeSuspendForDuration", "function", (("target", ("VIR_NODE_SUSPEND_TARGET_MEM",)),)),
        _sym("virConnectGetAllDomainStats", "function", (("stats", ("virDomainStatsTypes",)),)),
    ]
    symbols = [
        _enum("VIR_DOMAIN_EVENT_ID_LIFECYCLE", "virDomainEventID", 0), _enum("VIR_DOMAIN_EVENT_ID_REBOOT", "virDomainEventID", 1),
        _enum("VIR_NODE_SUSPEND_TARGET_MEM", "virNodeSuspendTarget", 0), _enum("VIR_NODE_SUSPEND_TARGET_DISK", "virNodeSuspendTarget", 1),
        _enum("VIR_DOMAIN_STATS_STATE", "virDomainStatsTypes", 1), _enum("VIR_DOMAIN_STATS_CPU_TOTAL", "virDomainStatsTypes", 2),
    ]
    assert [(r["function"], r["enum_type"], r["role"]) for r in argument_links(latest, symbols)] == [
        ("virConnectDomainEventRegisterAny", "virDomainEventID", "event-id"),
        ("virDomainPMSuspendForDuration", "virNodeSuspendTarget", "validated"),
        ("virNodeSuspendForDuration", "virNodeSuspendTarget", "validated"),
    ]
