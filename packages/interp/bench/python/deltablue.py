"""DeltaBlue: Maloney and Freeman-Benson's incremental one-way constraint
solver, on its two classic workloads.

Usage: deltablue.py [n] [rounds]   (default 100, 1)

- chain: n + 1 variables joined by required equalities, a weak stay on the
  last and an edit on the first; the plan then propagates 100 edits.
- projection: n pairs dst = src * scale + offset (required) with weak stays
  on each src; editing src, dst, scale and offset in turn must re-plan in
  both directions.

Strengths are small ints, 0 the strongest (required). Each workload checks
its results and raises on a wrong value; the checksum adds the final values
and plan lengths, so a different planning order shows.
"""

import sys
import time

REQUIRED = 0
STRONG_PREFERRED = 1
PREFERRED = 2
STRONG_DEFAULT = 3
NORMAL = 4
WEAK_DEFAULT = 5
WEAKEST = 6

# Which way a binary constraint computes: NONE while unsatisfied.
NONE = 0
FORWARD = 1
BACKWARD = 2


class Variable:
    def __init__(self, name, value=0):
        self.name = name
        self.value = value
        self.constraints = []
        self.determined_by = None
        self.mark = 0
        self.walk_strength = WEAKEST
        self.stay = True  # constant during the current plan's execution

    def attach(self, constraint):
        self.constraints.append(constraint)

    def detach(self, constraint):
        self.constraints.remove(constraint)
        if self.determined_by is constraint:
            self.determined_by = None


class Constraint:
    """A constraint on some variables that, once satisfied by choosing a
    method, computes one output variable from the others."""

    def __init__(self, planner, strength):
        self.planner = planner
        self.strength = strength

    def enable(self):
        self.add_to_graph()
        self.planner.add_incrementally(self)

    def disable(self):
        if self.is_satisfied():
            self.planner.remove_incrementally(self)
        else:
            self.remove_from_graph()

    def is_input(self):
        return False

    def satisfy(self, mark):
        """Tries to satisfy this constraint in the walk `mark`; returns the
        constraint it overrode, which must be re-satisfied, or None."""
        self.choose_method(mark)
        if not self.is_satisfied():
            if self.strength == REQUIRED:
                raise RuntimeError("could not satisfy a required constraint")
            return None
        self.mark_inputs(mark)
        out = self.output()
        overridden = out.determined_by
        if overridden is not None:
            overridden.mark_unsatisfied()
        out.determined_by = self
        if not self.planner.propagate_from(self, mark):
            raise RuntimeError("cycle encountered")
        out.mark = mark
        return overridden


class UnaryConstraint(Constraint):
    def __init__(self, planner, variable, strength):
        super().__init__(planner, strength)
        self.variable = variable
        self.satisfied = False
        self.enable()

    def add_to_graph(self):
        self.variable.attach(self)
        self.satisfied = False

    def remove_from_graph(self):
        self.variable.detach(self)
        self.satisfied = False

    def choose_method(self, mark):
        v = self.variable
        self.satisfied = v.mark != mark and self.strength < v.walk_strength

    def is_satisfied(self):
        return self.satisfied

    def mark_inputs(self, mark):
        pass

    def output(self):
        return self.variable

    def mark_unsatisfied(self):
        self.satisfied = False

    def inputs_known(self, mark):
        return True

    def recalculate(self):
        v = self.variable
        v.walk_strength = self.strength
        v.stay = not self.is_input()
        if v.stay:
            self.execute()


class StayConstraint(UnaryConstraint):
    """Keeps its variable's value (a planning-time fact: nothing to execute)."""

    def execute(self):
        pass


class EditConstraint(UnaryConstraint):
    """Marks its variable as set from outside the plan."""

    def is_input(self):
        return True

    def execute(self):
        pass


class BinaryConstraint(Constraint):
    def __init__(self, planner, a, b, strength):
        super().__init__(planner, strength)
        self.a = a
        self.b = b
        self.direction = NONE

    def add_to_graph(self):
        self.a.attach(self)
        self.b.attach(self)
        self.direction = NONE

    def remove_from_graph(self):
        self.a.detach(self)
        self.b.detach(self)
        self.direction = NONE

    def choose_method(self, mark):
        a = self.a
        b = self.b
        if a.mark == mark:
            # a was just determined in this walk: only a -> b can work.
            self.direction = FORWARD if b.mark != mark and self.strength < b.walk_strength else NONE
        elif b.mark == mark:
            self.direction = BACKWARD if self.strength < a.walk_strength else NONE
        elif a.walk_strength > b.walk_strength:
            # Overwrite the weaker end, if this constraint is stronger than it.
            self.direction = BACKWARD if self.strength < a.walk_strength else NONE
        else:
            self.direction = FORWARD if self.strength < b.walk_strength else BACKWARD

    def is_satisfied(self):
        return self.direction != NONE

    def input(self):
        return self.a if self.direction == FORWARD else self.b

    def output(self):
        return self.b if self.direction == FORWARD else self.a

    def mark_inputs(self, mark):
        self.input().mark = mark

    def mark_unsatisfied(self):
        self.direction = NONE

    def inputs_known(self, mark):
        i = self.input()
        return i.mark == mark or i.stay or i.determined_by is None

    def recalculate(self):
        source = self.input()
        out = self.output()
        out.walk_strength = max(self.strength, source.walk_strength)
        out.stay = source.stay
        if out.stay:
            self.execute()


class EqualityConstraint(BinaryConstraint):
    def __init__(self, planner, a, b, strength):
        super().__init__(planner, a, b, strength)
        self.enable()

    def execute(self):
        self.output().value = self.input().value


class ScaleConstraint(BinaryConstraint):
    """dst = src * scale + offset, solvable for either src or dst."""

    def __init__(self, planner, src, scale, offset, dst, strength):
        super().__init__(planner, src, dst, strength)
        self.scale = scale
        self.offset = offset
        self.enable()

    def add_to_graph(self):
        super().add_to_graph()
        self.scale.attach(self)
        self.offset.attach(self)

    def remove_from_graph(self):
        super().remove_from_graph()
        self.scale.detach(self)
        self.offset.detach(self)

    def mark_inputs(self, mark):
        super().mark_inputs(mark)
        self.scale.mark = mark
        self.offset.mark = mark

    def execute(self):
        if self.direction == FORWARD:
            self.b.value = self.a.value * self.scale.value + self.offset.value
        else:
            self.a.value = (self.b.value - self.offset.value) // self.scale.value

    def recalculate(self):
        source = self.input()
        out = self.output()
        out.walk_strength = max(self.strength, source.walk_strength)
        out.stay = source.stay and self.scale.stay and self.offset.stay
        if out.stay:
            self.execute()


class Planner:
    def __init__(self):
        self.current_mark = 0

    def new_mark(self):
        self.current_mark += 1
        return self.current_mark

    def add_incrementally(self, constraint):
        mark = self.new_mark()
        overridden = constraint.satisfy(mark)
        while overridden is not None:
            overridden = overridden.satisfy(mark)

    def remove_incrementally(self, constraint):
        out = constraint.output()
        constraint.mark_unsatisfied()
        constraint.remove_from_graph()
        unsatisfied = self.unplan_downstream(out)
        # Re-satisfy what lost its support, strongest first.
        for strength in range(REQUIRED, WEAKEST):
            for c in unsatisfied:
                if c.strength == strength:
                    self.add_incrementally(c)

    def propagate_from(self, constraint, mark):
        """Recomputes walk strengths and stay flags downstream of
        `constraint`; False when the walk comes back to its output (a cycle)."""
        todo = [constraint]
        while todo:
            c = todo.pop(0)
            if c.output().mark == mark:
                self.remove_incrementally(constraint)
                return False
            c.recalculate()
            self.collect_consumers(c.output(), todo)
        return True

    def unplan_downstream(self, variable):
        variable.determined_by = None
        variable.walk_strength = WEAKEST
        variable.stay = True
        unsatisfied = []
        todo = [variable]
        while todo:
            v = todo.pop(0)
            for c in v.constraints:
                if not c.is_satisfied():
                    unsatisfied.append(c)
            source = v.determined_by
            for c in v.constraints:
                if c is not source and c.is_satisfied():
                    c.recalculate()
                    todo.append(c.output())
        return unsatisfied

    def collect_consumers(self, variable, into):
        source = variable.determined_by
        for c in variable.constraints:
            if c is not source and c.is_satisfied():
                into.append(c)

    def plan_for(self, edits):
        """The constraints to execute, in order, after the inputs of the
        satisfied `edits` change."""
        mark = self.new_mark()
        plan = []
        todo = [c for c in edits if c.is_input() and c.is_satisfied()]
        while todo:
            c = todo.pop(0)
            out = c.output()
            if out.mark != mark and c.inputs_known(mark):
                plan.append(c)
                out.mark = mark
                self.collect_consumers(out, todo)
        return plan


def execute(plan):
    for c in plan:
        c.execute()


def chain(n):
    planner = Planner()
    variables = [Variable(f"v{i}") for i in range(n + 1)]
    for left, right in zip(variables, variables[1:]):
        EqualityConstraint(planner, left, right, REQUIRED)
    first = variables[0]
    last = variables[-1]
    StayConstraint(planner, last, STRONG_DEFAULT)
    edit = EditConstraint(planner, first, PREFERRED)
    plan = planner.plan_for([edit])
    for value in range(100):
        first.value = value
        execute(plan)
        if last.value != value:
            raise RuntimeError(f"chain: last is {last.value}, expected {value}")
    return len(plan) + last.value


def projection(n):
    planner = Planner()
    scale = Variable("scale", 10)
    offset = Variable("offset", 1000)
    sources = []
    dests = []
    for i in range(n):
        src = Variable(f"src{i}", i)
        dst = Variable(f"dst{i}", i)
        sources.append(src)
        dests.append(dst)
        StayConstraint(planner, src, NORMAL)
        ScaleConstraint(planner, src, scale, offset, dst, REQUIRED)

    plan_lengths = 0

    def change(variable, value):
        nonlocal plan_lengths
        edit = EditConstraint(planner, variable, PREFERRED)
        plan = planner.plan_for([edit])
        plan_lengths += len(plan)
        for _ in range(10):
            variable.value = value
            execute(plan)
        edit.disable()

    src = sources[-1]
    dst = dests[-1]
    change(src, 17)
    if dst.value != 1170:
        raise RuntimeError(f"projection: dst is {dst.value} after src := 17")
    change(dst, 1050)
    if src.value != 5:
        raise RuntimeError(f"projection: src is {src.value} after dst := 1050")
    change(scale, 5)
    for i in range(n - 1):
        if dests[i].value != i * 5 + 1000:
            raise RuntimeError(f"projection: dst{i} is {dests[i].value} after scale := 5")
    change(offset, 2000)
    for i in range(n - 1):
        if dests[i].value != i * 5 + 2000:
            raise RuntimeError(f"projection: dst{i} is {dests[i].value} after offset := 2000")
    return plan_lengths + sum(d.value for d in dests) + sum(s.value for s in sources)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    start = time.perf_counter()
    for _ in range(rounds):
        total = chain(n) + projection(n)
    elapsed = time.perf_counter() - start
    print(f"deltablue({n}) = {total}")
    print("elapsed", elapsed)
    print("checksum", total)


if __name__ == "__main__":
    main()
