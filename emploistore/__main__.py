from emploistore.cli import main

main()
