class Account:
    def __init__(self):
        self.balance = 10
def report(acct):
    return acct.balanse
def main():
    report(Account())
main()
