"""The pods each kind of workload has over its life, for a given state of the workload."""

from .topology import new_uuid

# Kubernetes-style random name suffixes avoid vowels and look-alike characters.
NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'


def random_suffix(rng, length):
    # One draw per name rather than one per character: inference pods are many and names are hot.
    number = rng.getrandbits(5 * length)
    characters = []
    for _position in range(length):
        number, digit = divmod(number, len(NAME_ALPHABET))
        characters.append(NAME_ALPHABET[digit])
    return ''.join(characters)


def training(factory, workload, state):
    """One pod; a restarted job also has its earlier failed attempts, deleted."""
    rng, anchor_ms = factory.rng, factory.anchor_ms
    created_ms = workload.created_ms
    attempt = 0
    if state == 'Restarted':
        for attempt in range(rng.randint(1, 2)):
            # Each failed attempt ends within the first third of the time left, so the next one fits.
            end_ms = created_ms + (anchor_ms - created_ms) // 3
            pod = factory.create(workload, '%s-0-%d' % (workload.name, attempt), 'Failed', created_ms, end_ms, deleted=True)
            if pod is None:
                return
            created_ms = min(pod.deleted_ms + rng.randint(1000, 30000), anchor_ms - 60000)
        attempt += 1
        state = 'Running'
    deleted = state in ('Succeeded', 'Failed') and rng.random() < 0.35
    factory.create(workload, '%s-0-%d' % (workload.name, attempt), state, created_ms, anchor_ms, deleted)


def distributed(factory, workload, state, workers=None):
    """A master and its workers; a running job in a troubled pool may have one worker in trouble."""
    rng, anchor_ms = factory.rng, factory.anchor_ms
    if workers is None:
        workers = rng.randint(1, 15)
    names = ['%s-master-0' % workload.name] + ['%s-worker-%d' % (workload.name, number) for number in range(workers)]
    phases = [state] * len(names)
    if state == 'Running' and len(names) > 1 and rng.random() < 0.3:
        phases[rng.randrange(1, len(names))] = rng.choice(('Pending', 'Unknown', 'Failed'))
    elif state == 'Failed':
        phases = ['Failed'] + [rng.choice(('Failed', 'Succeeded')) for _worker in names[1:]]
    deleted = state in ('Succeeded', 'Failed') and rng.random() < 0.3
    for name, phase in zip(names, phases):
        created_ms = workload.created_ms + rng.randint(0, 2000)
        if factory.create(workload, name, phase, created_ms, anchor_ms, deleted and phase != 'Pending') is None:
            return


def inference(factory, workload, state, revisions=None, replicas=None):
    """Replicas per revision; the pods of every revision but the latest were scaled down and deleted."""
    rng, anchor_ms = factory.rng, factory.anchor_ms
    revisions = revisions or rng.randint(1, 3)
    replicas = replicas or rng.randint(1, 6)
    workload.revisions = tuple(new_uuid(rng) for _revision in range(revisions))
    span_ms = (anchor_ms - workload.created_ms) // (revisions + 1)
    for number, revision_id in enumerate(workload.revisions):
        latest = number == revisions - 1
        start_ms = workload.created_ms + number * span_ms
        end_ms = anchor_ms if latest else start_ms + span_ms + rng.randint(0, 60000)
        deployment = random_suffix(rng, 10)
        for _replica in range(replicas):
            phase = 'Succeeded' if not latest else state
            if latest and state == 'Running' and rng.random() < 0.1:
                phase = rng.choice(('Pending', 'Unknown'))
            name = '%s-%05d-deployment-%s-%s' % (workload.name, number + 1, deployment, random_suffix(rng, 5))
            pod = factory.create(workload, name, phase, start_ms + rng.randint(0, 5000), end_ms, deleted=not latest)
            if pod is None:
                return
            pod.revision_id = revision_id


def workspace(factory, workload, state):
    """One pod; a stopped workspace's pod completed and was deleted."""
    stopped = state == 'Stopped'
    phase = 'Succeeded' if stopped else state
    factory.create(workload, '%s-0-0' % workload.name, phase, workload.created_ms, factory.anchor_ms, deleted=stopped)


PLANNERS = {'training': training, 'distributed': distributed, 'inference': inference, 'workspace': workspace}

# kind -> ((workload state, weight), ...) for workloads drawn at random
STATE_WEIGHTS = {
    'training': (('Running', 45), ('Restarted', 8), ('Pending', 12), ('Succeeded', 20), ('Failed', 12), ('Unknown', 3)),
    'distributed': (('Running', 60), ('Pending', 12), ('Succeeded', 18), ('Failed', 10)),
    'inference': (('Running', 85), ('Pending', 10), ('Unknown', 5)),
    'workspace': (('Running', 55), ('Pending', 15), ('Stopped', 30)),
}
# kind -> ((GPU profile, weight), ...): how hard a workload's GPUs work in its metrics
PROFILE_WEIGHTS = {
    'training': (('busy', 45), ('moderate', 25), ('idle', 30)),
    'distributed': (('busy', 70), ('moderate', 25), ('idle', 5)),
    'inference': (('busy', 25), ('moderate', 60), ('idle', 15)),
    'workspace': (('busy', 5), ('moderate', 25), ('idle', 70)),
}
